"""The screens of a TISS counter, where the receptionist sees a difference from the token
contract's: the lookup (a card or the clinic's guide number; F4 a guide by hand, F8 the
import's report), how the patient gets the code (Enviar Token's place), the code's rules,
and the outcome (NEGADA with each glosa, EM ANÁLISE with the next status check, the senha,
what went back to the clinic's system). Everything else is the desk's usual screens.
"""
